import os
import sys
from pathlib import Path

# Make `import naive` work from every test module.
sys.path.insert(0, str(Path(__file__).parent))
# Progress bars off in tests.
os.environ.setdefault("SNNLIB_PROGRESS", "0")

import matplotlib

matplotlib.use("Agg")
