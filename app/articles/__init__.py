"""Articles: their identity (the text, up to spacing) and every write of one."""
