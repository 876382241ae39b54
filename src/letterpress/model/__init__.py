"""The model: settings, essays read from their files, authors, audio facts, git dates, the publication."""
