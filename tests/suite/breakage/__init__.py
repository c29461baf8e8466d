"""Deliberately broken variants of the reference: test fixtures that the suite must catch."""
