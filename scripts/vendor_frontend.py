"""Copy the built GOV.UK Frontend and MoJ Frontend files from node_modules into static/vendor, and
axe-core (the accessibility checker the browser tests run in each page) into tests/browser/vendor.

Run through `make vendor` after changing the versions pinned in package.json. The copied files are
committed, so neither `make run` nor CI needs Node.js.

Two rewrites are made on the way:
- `url(/assets/...)` becomes `url(assets/...)`, so hashed static storage resolves the files;
- the GDS Transport @font-face rules are dropped: that typeface is licensed for GOV.UK domains
  only, so pages fall back to the system font stack (Arial) that GOV.UK Frontend names next.
"""

import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

PACKAGES = {
    "govuk": {
        "package": NODE / "govuk-frontend",
        "files": ["dist/govuk/govuk-frontend.min.css", "dist/govuk/govuk-frontend.min.js"],
        "assets": NODE / "govuk-frontend" / "dist" / "govuk" / "assets" / "images",
    },
    "moj": {
        "package": NODE / "@ministryofjustice" / "frontend",
        "files": ["moj/moj-frontend.min.css", "moj/moj-frontend.min.js"],
        "assets": NODE / "@ministryofjustice" / "frontend" / "moj" / "assets" / "images",
    },
}

FONT_FACE = re.compile(r"@font-face\{font-family:GDS Transport;[^}]*\}")
SOURCE_MAP = re.compile(r"/[*/]# sourceMappingURL=\S+(?: \*/)?")


def vendor(name: str, spec: dict) -> None:
    target = VENDOR / name
    shutil.rmtree(target, ignore_errors=True)
    (target / "assets" / "images").mkdir(parents=True)
    meta = json.loads((spec["package"] / "package.json").read_text())
    for relative in spec["files"]:
        text = (spec["package"] / relative).read_text()
        text = SOURCE_MAP.sub("", text)
        if relative.endswith(".css"):
            text = FONT_FACE.sub("", text).replace("url(/assets/", "url(assets/")
        (target / Path(relative).name).write_text(text)
    for image in spec["assets"].iterdir():
        shutil.copy(image, target / "assets" / "images" / image.name)
    (target / "LICENCE.txt").write_text(
        f"{meta['name']} {meta['version']}\n"
        f"Licence: {meta['license']} (see the package's README, section 'Licence').\n"
        "Copyright (c) Crown copyright. Released under the MIT License:\n\n" + MIT_TEXT
    )
    print(f"vendored {meta['name']} {meta['version']} into {target.relative_to(ROOT)}")


MIT_TEXT = """Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def vendor_axe() -> None:
    """axe-core for the browser tests only: it is never served by the application."""
    package = NODE / "axe-core"
    target = ROOT / "tests" / "browser" / "vendor"
    target.mkdir(parents=True, exist_ok=True)
    meta = json.loads((package / "package.json").read_text())
    shutil.copy(package / "axe.min.js", target / "axe.min.js")
    (target / "axe-core-LICENCE.txt").write_text(
        f"{meta['name']} {meta['version']}, licence {meta['license']}:\n\n"
        + (package / "LICENSE").read_text()
    )
    print(f"vendored {meta['name']} {meta['version']} into {target.relative_to(ROOT)}")


if __name__ == "__main__":
    for name, spec in PACKAGES.items():
        vendor(name, spec)
    vendor_axe()
