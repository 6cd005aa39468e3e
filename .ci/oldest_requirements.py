"""Print pins of the oldest versions pyproject.toml allows, for the core suite.

Every ``name>=X`` among the dependencies and the ``plot`` and ``parquet``
extras becomes ``name==X``, the floor itself (``==1.24`` is 1.24.0): the
floors are written once, in pyproject.toml, and this environment checks
that they hold. torch and the text extra are left out: the run is the
torch-free core suite.

Run:  python .ci/oldest_requirements.py > requirements-oldest.txt
"""

import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]
extras = project["optional-dependencies"]
for requirement in project["dependencies"] + extras["plot"] + extras["parquet"]:
    requirement = requirement.split("#")[0].strip()
    match = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)>=([0-9.]+)", requirement)
    if match is None:
        sys.exit(f"cannot pin {requirement!r}: expected name>=version")
    name, version = match.groups()
    print(f"{name}=={version}")
