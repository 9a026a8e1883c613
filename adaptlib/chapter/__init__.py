"""What a chapter template calls besides the analyses: parameter checks, its inputs, glue."""
