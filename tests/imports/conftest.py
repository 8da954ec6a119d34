from __future__ import annotations

import pytest

from tests.imports.import_helpers import Area, make_area


@pytest.fixture
def area(db: None) -> Area:
    return make_area()
