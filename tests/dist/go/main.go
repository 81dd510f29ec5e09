// A program that uses the packed Go module through a replace directive, linked against the
// unpacked C tarball (scripts/dist.sh). usage: consumer PANEL_URL API_KEY
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"example.invalid/pterodactyl-client/bindings/go/pterodactyl"
)

func main() {
	client, err := pterodactyl.NewClient(os.Args[1], os.Args[2], nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer client.Close()
	ctx := context.Background()
	server, err := client.Server(ctx, "d3aac109")
	if err != nil || server.Name != "Survival" {
		fmt.Fprintln(os.Stderr, "server.get:", server.Name, err)
		os.Exit(1)
	}
	_, err = client.Resources(ctx, "f00dfeed")
	var perr *pterodactyl.Error
	if !errors.As(err, &perr) || perr.HTTPStatus != 404 {
		fmt.Fprintln(os.Stderr, "want a 404 *pterodactyl.Error, got", err)
		os.Exit(1)
	}
	fmt.Println("consumer: libpterodactyl", pterodactyl.Version())
}
