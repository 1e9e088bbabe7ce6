import sys
from pathlib import Path

# The tests import the small runner in harness.py beside them (pytest runs in importlib mode).
sys.path.insert(0, str(Path(__file__).resolve().parent))
