"""The book's machinery: the runner, chapter discovery and staleness, the site, the student
edition, link and browser checks. Nothing below it (core, datasets, analysis, plotting, chapter)
imports it, so editing it re-executes no chapter."""
