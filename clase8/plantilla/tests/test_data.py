import pytest

from mi_proyecto import data


def test_data_is_reproducible():
    assert data.generate(seed=3).equals(data.generate(seed=3))


def test_validation_drops_out_of_range_rows():
    df = data.generate(rows=100)
    df.loc[0, "x1"] = -1
    assert len(data.validate(df)) == 99


def test_validation_stops_a_broken_batch():
    df = data.generate(rows=100)
    df["x1"] = df["x1"] * 1000
    with pytest.raises(data.DataValidationError):
        data.validate(df)
    with pytest.raises(data.DataValidationError, match="faltan columnas"):
        data.validate(df.drop(columns=["y"]))
