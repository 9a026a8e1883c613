"""What each section of the paper computes on the core, one module per section (the chapter
that teaches it is named in each docstring)."""
