"""The general meeting (ALV): calling one, its yearly cycle, motions, decision list, planning."""
