from mi_proyecto import data, train


def test_model_beats_chance():
    model = train.train(data.validate(data.generate(seed=1)))
    assert train.evaluate(model, data.generate(seed=2))["roc_auc"] > 0.9
