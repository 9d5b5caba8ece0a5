"""Training and test text the project generates by its own rules (out-of-scope breadth, robustness variants)."""
