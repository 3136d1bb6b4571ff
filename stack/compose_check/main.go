// compose_check carga archivos de Docker Compose con compose-go, el mismo cargador que usa
// `docker compose`, y falla si alguno no es válido: interpolación de variables, perfiles,
// depends_on, anclas YAML y extensiones. No necesita un motor de Docker.
//
//	go run . -profile '*' ../../docker-compose.yml
//	go run . -profile '*' ../../docker-compose.yml ../../clase8/proyecto/compose.proyecto.yml
//
// Imprime en JSON los servicios activos de cada perfil pedido (lo usa tests/stack).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	profiles := flag.String("profile", "*", "perfiles separados por comas ('*' = todos)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "uso: compose_check [-profile p1,p2] archivo.yml [override.yml...]")
		os.Exit(2)
	}
	summary, err := load(flag.Args(), strings.Split(*profiles, ","))
	if err != nil {
		fmt.Fprintf(os.Stderr, "compose inválido: %v\n", err)
		os.Exit(1)
	}
	out, _ := json.MarshalIndent(summary, "", "  ")
	fmt.Println(string(out))
}

// load devuelve, para el proyecto ya interpolado y filtrado por perfiles, cada servicio con
// sus dependencias y perfiles.
func load(files, profiles []string) (map[string]any, error) {
	options, err := cli.NewProjectOptions(
		files,
		cli.WithWorkingDirectory(filepath.Dir(files[0])),
		cli.WithOsEnv,
		cli.WithDotEnv,
		cli.WithProfiles(profiles),
		cli.WithName("mlops2"),
	)
	if err != nil {
		return nil, err
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return nil, err
	}
	services := map[string]any{}
	names := make([]string, 0, len(project.Services))
	for name, service := range project.Services {
		deps := make([]string, 0, len(service.DependsOn))
		for dep := range service.DependsOn {
			deps = append(deps, dep)
		}
		sort.Strings(deps)
		services[name] = map[string]any{"depends_on": deps, "profiles": service.Profiles, "image": service.Image}
		names = append(names, name)
	}
	sort.Strings(names)
	return map[string]any{"services": services, "names": names}, nil
}
