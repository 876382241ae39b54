"""The article of a whole page (trafilatura) keeps its images with their alt text and their captions."""

from __future__ import annotations

from letterpress.migrate.article import extract_article
from letterpress.migrate.convert import to_markdown

PAGE = """<!DOCTYPE html><html><head><title>Rooms | Studio</title></head><body>
<nav><a href="/">Home</a></nav>
<main><article>
<h1>Rooms</h1>
<p>Every room has a door, and every door has a story worth telling before we go in and sit down.</p>
<figure><img src="/images/door.jpg" alt="An open door">
  <figcaption>The door, <em>ajar</em>, at dawn</figcaption></figure>
<p>The second room was smaller, with a window that looked onto a courtyard full of bicycles.</p>
<figure class="wide"><a href="/images/big-window.jpg"><img src="/images/window.jpg" alt="A window"></a>
  <figcaption>A window &lt;b&gt;not bold&lt;/b&gt; onto the courtyard</figcaption></figure>
<p>The third room had no window at all, and we talked about light for a whole hour anyway.</p>
<figure><img src="/images/lamp.jpg" alt="A lamp"></figure>
<p>That is where the lamp came in, and where this story ends, for now, with the light on.</p>
</article></main>
<footer>© Studio</footer>
</body></html>"""


def _markdown() -> str:
    article = extract_article(PAGE, "https://old.example.org/rooms")
    assert article is not None
    return to_markdown(article.html, "https://old.example.org/rooms").markdown


def test_images_keep_their_alt_text_and_captions_in_their_place():
    markdown = _markdown()
    door = "![An open door](https://old.example.org/images/door.jpg)\n\n_The door, *ajar*, at dawn_"
    window = ("![A window](https://old.example.org/images/window.jpg)\n\n"
              "_A window &lt;b>not bold&lt;/b> onto the courtyard_")
    assert door in markdown and window in markdown
    assert "![A lamp](https://old.example.org/images/lamp.jpg)" in markdown  # a figure without a caption
    assert markdown.index("every door has a story") < markdown.index(door) < markdown.index("second room")
    assert markdown.index("second room") < markdown.index(window) < markdown.index("third room")
    assert "letterpress-caption" not in markdown and "Home" not in markdown


def test_a_page_cannot_claim_another_figures_caption():
    forged = PAGE.replace('alt="A lamp"', 'alt="A lamp" title="letterpress-caption-0000000000000000-0"')
    article = extract_article(forged, "https://old.example.org/rooms")
    assert article is not None and "letterpress-caption" not in to_markdown(article.html).markdown


STANDFIRST = """<!DOCTYPE html><html><head><title>On Doors | Rooms for Listening</title>
<meta name="description" content="Why a door matters more than a chair."></head><body>
<header class="site-header"><a href="/">Rooms for Listening</a></header>
<main><article><header class="entry-header"><h1>On Doors</h1><p>Why a door matters more than a chair.</p></header>
<p>Every session begins at the door, long before the first question is asked and the first chair is taken.</p>
<p>A door that closes quietly says that what happens here stays here, and clients hear it before they sit.</p>
<h3><a href="/on-chairs">On Chairs</a></h3>
<p>Further down the corridor, I wrote about the chairs, and the angle that lets a glance rest.</p>
<p>That is all I have to say of doors for now; the chairs can wait for another week.</p>
</article></main></body></html>
"""


def test_an_essay_s_own_standfirst_is_not_the_tag_line_and_a_linked_heading_with_its_text_stays():
    article = extract_article(STANDFIRST, "https://old.example.org/on-doors")
    assert article is not None
    assert article.description == "Why a door matters more than a chair." and article.site_tagline == ""
    # The linked heading has more of the essay after it than one paragraph: the essay's own, it stays.
    assert article.notes == ()
    assert "the chairs can wait for another week" in article.html and "On Chairs" in article.html


def test_a_teaser_with_a_read_more_line_is_cut_and_named():
    last = "<p>That is all I have to say of doors for now; the chairs can wait for another week.</p>"
    page = STANDFIRST.replace(last, '<p><a href="/on-chairs">Read more</a></p>')
    article = extract_article(page, "https://old.example.org/on-doors")
    assert article is not None
    assert article.notes == ("cut a teaser of another page ('On Chairs', https://old.example.org/on-chairs) "
                             "after the article's end",)
    assert "Further down the corridor" not in article.html and "Read more" not in article.html
    assert article.html.rstrip().endswith("clients hear it before they sit.</p>")
