"""El tipo `Mutation`: etiquetar runs, registrar versiones y mover alias del registro.

Cada mutación recibe un único argumento `input` de un tipo de entrada propio (agregarle un
campo opcional más adelante no rompe a ningún cliente), valida la entrada antes de tocar MLflow
y devuelve el objeto actualizado, así el cliente ve el resultado sin otra consulta.
"""

from __future__ import annotations

import strawberry
from mlflow.exceptions import MlflowException

from .context import Info
from .errors import NotFoundError, UserError
from .gateway import fetch_registered_model, fetch_run
from .types.registry import ModelVersion, RegisteredModel
from .types.runs import Run
from .validation import MODEL_NAME_RE, check_alias, check_name, check_tag


@strawberry.input(description="Etiqueta a poner (o reemplazar) en un run.")
class SetRunTagInput:
    run_id: strawberry.ID
    key: str
    value: str


@strawberry.input(description="Registrar el modelo guardado por un run como versión nueva.")
class RegisterModelVersionInput:
    run_id: strawberry.ID
    model_name: str


@strawberry.input(description="Apuntar un alias (p. ej. champion) a una versión.")
class SetModelAliasInput:
    model_name: str
    alias: str
    version: int


@strawberry.type(description="Operaciones que modifican MLflow.")
class Mutation:
    @strawberry.mutation(description="Pone una etiqueta en un run y devuelve el run actualizado.")
    async def set_run_tag(self, info: Info, input: SetRunTagInput) -> Run:  # noqa: A002
        mlflow = info.context.mlflow
        key = check_tag(input.key, input.value)
        await fetch_run(mlflow, input.run_id)
        await mlflow.call("set_tag", input.run_id, key, input.value)
        return Run.from_mlflow(await mlflow.call("get_run", input.run_id))

    @strawberry.mutation(description="Registra el modelo de un run (crea el modelo si no existe).")
    async def register_model_version(
        self,
        info: Info,
        input: RegisterModelVersionInput,  # noqa: A002
    ) -> ModelVersion:
        mlflow = info.context.mlflow
        name = check_name(input.model_name, "Nombre de modelo", MODEL_NAME_RE)
        run = await fetch_run(mlflow, input.run_id)
        outputs = run.outputs.model_outputs if run.outputs else []
        if not outputs:
            raise UserError(f"El run '{input.run_id}' no guardó ningún modelo: nada que registrar.")
        model_id = outputs[0].model_id
        # Se pasa la ubicación de los artefactos y no "models:/<id>": con ese URI, el registro
        # de MLflow busca el modelo con el URI de tracking *global* del proceso (no el de este
        # cliente), que en un servicio puede ser otro o no estar definido.
        logged = await mlflow.call("get_logged_model", model_id)
        if not await mlflow.call("search_registered_models", filter_string=f"name = '{name}'"):
            await mlflow.call("create_registered_model", name)
        version = await mlflow.call(
            "create_model_version",
            name,
            source=logged.artifact_location,
            run_id=input.run_id,
            model_id=model_id,
        )
        return ModelVersion.from_mlflow(version)

    @strawberry.mutation(description="Mueve un alias a otra versión (lo crea si no existía).")
    async def set_model_alias(self, info: Info, input: SetModelAliasInput) -> RegisteredModel:  # noqa: A002
        mlflow = info.context.mlflow
        alias = check_alias(input.alias)
        await fetch_registered_model(mlflow, input.model_name)
        try:
            await mlflow.call("get_model_version", input.model_name, str(input.version))
        except MlflowException:
            raise NotFoundError(
                f"El modelo '{input.model_name}' no tiene la versión {input.version}."
            ) from None
        await mlflow.call("set_registered_model_alias", input.model_name, alias, input.version)
        return RegisteredModel.from_mlflow(await fetch_registered_model(mlflow, input.model_name))
