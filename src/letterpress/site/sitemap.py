"""The engine's sitemap without the pages no search engine should list: the sign-up service's.

MkDocs (and Zensical) list every page in ``sitemap.xml``; the pages the service sends people
to after signing up, confirming or leaving (``model.layout.SERVICE_PAGES``) mean nothing to
someone arriving from a search. Material has no per-page switch for the sitemap, so the
writer rewrites the engine's file after the build, the same way for both engines, and its
gzipped copy when the engine wrote one.
"""

from __future__ import annotations

import gzip

from lxml import etree

from ..model.layout import SERVICE_PAGES
from ..model.publication import Publication
from ..model.site_map import ENGINE_FILES
from ..model.site_output import SiteOutput

SITEMAP, SITEMAP_GZ = "sitemap.xml", "sitemap.xml.gz"
# Our own build's output, but parsed as if it were not: no entities, no network, no huge trees.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def write_sitemap(publication: Publication, output: SiteOutput) -> None:
    """Rewrite the built ``sitemap.xml`` (and ``sitemap.xml.gz``) without the service's pages."""
    built = output.site_dir / SITEMAP
    if not built.is_file():
        return
    tree = etree.fromstring(built.read_bytes(), PARSER)
    layout = publication.settings.layout
    left_out = [layout.absolute(layout.page(page).url) for page in SERVICE_PAGES]
    found = [url for loc in left_out
             for url in tree.xpath("//*[local-name()='url'][normalize-space(*[local-name()='loc']) = $loc]", loc=loc)]
    if not found:
        return
    for url in found:
        url.getparent().remove(url)
    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    output.write(SITEMAP, data, ENGINE_FILES[SITEMAP], replaces=ENGINE_FILES[SITEMAP])
    if (output.site_dir / SITEMAP_GZ).is_file():
        output.write(SITEMAP_GZ, gzip.compress(data, mtime=0), ENGINE_FILES[SITEMAP_GZ],
                     replaces=ENGINE_FILES[SITEMAP_GZ])
