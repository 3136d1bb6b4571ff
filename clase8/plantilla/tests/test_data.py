import pytest

from mi_proyecto import data


def test_datos_reproducibles():
    assert data.generate(seed=3).equals(data.generate(seed=3))


def test_validacion_descarta_filas_fuera_de_rango():
    df = data.generate(rows=100)
    df.loc[0, "x1"] = -1
    assert len(data.validate(df)) == 99


def test_validacion_frena_un_lote_roto():
    df = data.generate(rows=100)
    df["x1"] = df["x1"] * 1000
    with pytest.raises(data.DataValidationError):
        data.validate(df)
    with pytest.raises(data.DataValidationError, match="faltan columnas"):
        data.validate(df.drop(columns=["y"]))
