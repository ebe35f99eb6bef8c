"""The built-in engine's replies: one module per kind of question, each handler turning a frame
into (message, data, suggestions) through the tools."""
