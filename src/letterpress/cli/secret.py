"""``letterpress secret``: the one signing key, made once and kept outside git, and how to share it."""

from __future__ import annotations

import click


@click.command(short_help="Make the signing key once; say how to share it.")
@click.option("--show", is_flag=True, help="Print the key this folder signs with (to copy it to the server or CI).")
def secret(show):
    """Make the publication's signing key once, and say how to give the server and CI the same one.

    The unsubscribe links in your letters are signed with this key, and the
    sign-up service checks them with it: every machine that writes letters or
    runs the service must hold the same key, or readers cannot leave. It is
    kept in .letterpress/secret (readable by you only; git ignores it) and is
    never replaced. LETTERPRESS_SECRET, when set, wins over the file (and is
    the value kept when there is no file yet). Nothing here prints the key
    unless you ask with --show.
    """
    from .. import tokens
    from ..site.loader import find_root

    root = find_root()
    if show:
        click.echo(tokens.secret_key(root))
        return
    for line in _said(tokens.keep_secret(root)):
        click.echo(line)


def _said(kept) -> list[str]:
    from .. import tokens

    if kept.made:
        made = f"kept the value of {tokens.SECRET_VARIABLE}" if kept.from_variable else "made a new signing key"
        lines = [f"{made} in {tokens.SECRET_FILE} (readable by you only; git ignores it)."]
    else:
        lines = [f"{tokens.SECRET_FILE} already holds this publication's signing key; it is never replaced."]
    if kept.overridden:
        lines.append(f"note: {tokens.SECRET_VARIABLE} is set in this shell, differs from the file, and wins: "
                     "letters written here are signed with it. Unset it to sign with the file's key.")
    return [*lines, *SHARING]


SHARING = (
    "Every machine that writes letters or runs the sign-up service must sign with this same key:",
    "  the server: put LETTERPRESS_SECRET=<the key> in /etc/letterpress/env, the EnvironmentFile of "
    "letterpress-service and letterpress-publish (see the README);",
    "  CI, if a workflow sends letters: store it as the repository secret LETTERPRESS_SECRET and pass it "
    "to that step's environment;",
    "  `letterpress secret --show` prints the key to copy; never commit it or paste it where others read.",
)
