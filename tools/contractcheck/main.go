// Command contractcheck reports every way a discovery document fails one of
// Spacemesh's clients (Smapp, smcli, explorer-frontend, dash-frontend), from
// the JSON Schemas in internal/clientcontract and its rules between entries
// (a dashAPI or a config file name two networks share). It exits 1 on a
// violation.
//
//	go run ./tools/contractcheck networks.json
package main

import (
	"fmt"
	"os"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/clientcontract"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: contractcheck DOCUMENT.json")
		os.Exit(2)
	}
	os.Exit(run(os.Args[1]))
}

func run(file string) int {
	doc, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	vs, err := clientcontract.Check(doc)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	for _, v := range vs {
		fmt.Printf("%s: %s\n", file, v)
	}
	if len(vs) > 0 {
		return 1
	}
	clients, _ := clientcontract.Clients()
	fmt.Printf("%s: read by every client (", file)
	for i, c := range clients {
		if i > 0 {
			fmt.Print(", ")
		}
		fmt.Print(c.Name)
	}
	fmt.Println(")")
	return 0
}
