"""Learning from the council's own reviewers: examples from their decisions, refitted heads,
an evaluation gate, and the model versions a council can go back and forth between
(docs/learning.md)."""
