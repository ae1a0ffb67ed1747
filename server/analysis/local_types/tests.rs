//! Unit tests: filled below.
