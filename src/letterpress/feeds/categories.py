"""Apple Podcasts' categories and subcategories (the list in force since 2019).

Apple ignores a podcast whose ``itunes:category`` is not on this list, so the
build refuses unknown names instead of publishing a feed Apple will reject.
"""

from __future__ import annotations

import difflib

APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": ("Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": ("Alternative Health", "Fitness", "Medicine", "Mental Health",
                         "Nutrition", "Sexuality"),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": ("Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
                "Home & Garden", "Video Games"),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": ("Business News", "Daily News", "Entertainment News", "News Commentary", "Politics",
             "Sports News", "Tech News"),
    "Religion & Spirituality": ("Buddhism", "Christianity", "Hinduism", "Islam", "Judaism",
                                "Religion", "Spirituality"),
    "Science": ("Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
                "Natural Sciences", "Nature", "Physics", "Social Sciences"),
    "Society & Culture": ("Documentary", "Personal Journals", "Philosophy", "Places & Travel",
                          "Relationships"),
    "Sports": ("Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey",
               "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness",
               "Wrestling"),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}


def category_problem(category: str, subcategory: str = "") -> tuple[str, str] | None:
    """What is wrong with a category pair, as (config key, message), or None when valid."""
    if not category:
        return "category", ("is missing; Apple lists podcasts by category. Choose one of: "
                            f"{', '.join(APPLE_CATEGORIES)}.")
    if category not in APPLE_CATEGORIES:
        return "category", f"'{category}' is not one of Apple's categories; {_hint(category, APPLE_CATEGORIES)}"
    subcategories = APPLE_CATEGORIES[category]
    if subcategory and subcategory not in subcategories:
        if not subcategories:
            return "subcategory", f"'{category}' has no subcategories; remove 'subcategory:'."
        return "subcategory", (f"'{subcategory}' is not a subcategory of '{category}'; "
                               f"{_hint(subcategory, subcategories)}")
    return None


def _hint(name: str, known) -> str:
    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
    if match:
        return f"did you mean '{match[0]}'?"
    return f"choose one of: {', '.join(known)}."
