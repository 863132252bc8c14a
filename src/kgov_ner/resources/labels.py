"""The label set of the annotation guideline (ANNOTATION.md)."""

LABELS = ("DISTRICT", "OFFICIAL", "PROGRAM", "MONEY", "AWARD")
