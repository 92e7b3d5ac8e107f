"""Outlets, the publishers and the media words are given to: where they are written."""
