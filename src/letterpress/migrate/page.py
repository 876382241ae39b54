"""``letterpress import page URL... [--sitemap URL]``: article pages of a site that has no export.

Each page is fetched and its article extracted (:mod:`.article`). ``--sitemap``
takes every page a sitemap lists (a feed holds only the recent posts); pages
in it with no article (the home page, a contact form) are skipped and named.
A page given by its address must be reachable and hold an article, or nothing
is written. The sitemap is XML parsed with entities unresolved and no network.
A description two pages share is taken for the site's tag line (``Item.site_tagline``).
"""

from __future__ import annotations

from collections import Counter

from lxml import etree

from ..model import urls
from .article import extract_article
from .feed import page_aliases, page_slug, read_source
from .fetch import PAGE_BYTES, Fetcher, FetchError
from .items import Export, Item, SourceError

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
MAX_PAGES = 2000
# A sitemap lists every page: with fewer words than this, what trafilatura finds is the
# menu and the footer of a contact or index page, not an article.
MIN_ARTICLE_WORDS = 40


def read_pages(addresses: list[str], sitemap: str | None, fetcher: Fetcher) -> Export:
    """Fetch the pages (and those ``sitemap`` lists) and extract their articles; nothing is written.

    Raises:
        SourceError: no address, a page or sitemap that cannot be fetched, a given page with no article.
    """
    for address in addresses:
        fetcher.allow(address)  # the author's own: fetched even on a local address
    listed = sitemap_pages(sitemap, fetcher) if sitemap else []
    if not addresses and not listed:
        raise SourceError("no page to import: give one or more addresses, or --sitemap with a sitemap's address.")
    export = Export()
    for address in dict.fromkeys([*addresses, *listed]):
        item, why = _item(address, fetcher, required=address in addresses)
        if item is None:
            export.skipped.append((address, why))
        else:
            export.items.append(item)
    _shared_descriptions(export.items)
    return export


def _shared_descriptions(items: list[Item]) -> None:
    """A description two pages share is the site's (its tag line in every page's head), not an essay's."""
    counts = Counter(" ".join(item.description.casefold().split()) for item in items if item.description.strip())
    for item in items:
        if counts[" ".join(item.description.casefold().split())] > 1:
            item.site_tagline = item.description


def _item(address: str, fetcher: Fetcher, required: bool) -> tuple[Item | None, str]:
    try:
        page = fetcher.get(address, PAGE_BYTES)
    except FetchError as error:
        if required:
            raise SourceError(f"{address}: {error}; check the address (nothing written).") from None
        return None, str(error)
    fetcher.came_from(page.url)  # its images are the web's word
    article = extract_article(page.content.decode("utf-8", "replace"), page.url)
    if article is not None and not required and article.words < MIN_ARTICLE_WORDS:
        return None, f"no article on the page (only {article.words} words)"
    if article is None:
        if required:
            raise SourceError(f"{address}: no article found on the page; give the address of an article itself.")
        return None, "no article on the page"
    return Item(source="page", source_id=address, title=article.title, html=article.html,
                slug=page_slug(address), description=article.description, created=article.created,
                authors=article.authors, categories=article.categories, tags=article.tags,
                aliases=page_aliases(address), base_url=page.url, site_tagline=article.site_tagline,
                notes=article.notes), ""


def sitemap_pages(address: str, fetcher: Fetcher) -> list[str]:
    """The page addresses a sitemap lists (a sitemap index's sitemaps followed one level), at most MAX_PAGES.

    Raises:
        SourceError: the sitemap cannot be fetched or is not a sitemap.
    """
    root = _sitemap(address, fetcher)
    if root.tag == f"{SITEMAP}sitemapindex":
        pages = [page for child in _locs(root, "sitemap")[:50]
                 for page in _locs(_sitemap(child, fetcher, named=False), "url")]
    else:
        pages = _locs(root, "url")
    return [page for page in pages if (parts := urls.split(page)) and parts.path not in ("", "/")][:MAX_PAGES]


def _sitemap(address: str, fetcher: Fetcher, named: bool = True):
    data, _ = read_source(address, fetcher, what="sitemap", named=named)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise SourceError(f"{address}: not XML ({error}); this is not a sitemap.") from None
    if root.tag not in (f"{SITEMAP}urlset", f"{SITEMAP}sitemapindex"):
        raise SourceError(f"{address}: not a sitemap (no <urlset> or <sitemapindex>); give the sitemap's "
                          "address, often /sitemap.xml.")
    return root


def _locs(root, kind: str) -> list[str]:
    return [(element.text or "").strip() for element in root.iter(f"{SITEMAP}loc")
            if element.getparent() is not None and element.getparent().tag == f"{SITEMAP}{kind}"
            and (element.text or "").strip()]
