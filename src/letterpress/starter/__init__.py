"""``letterpress init``: a new publication of one's own, from the starter files in the package."""
