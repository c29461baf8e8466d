"""Unit and end-to-end tests of the reference implementation."""
