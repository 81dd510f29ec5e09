package pterodactyl_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"example.invalid/pterodactyl-client/bindings/go/pterodactyl"
)

func Example() {
	client, err := pterodactyl.NewClient("https://panel.example.com", "ptlc_...", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	ctx := context.Background()
	if err := client.Power(ctx, "d3aac109", pterodactyl.SignalStart); err != nil {
		var perr *pterodactyl.Error
		if errors.As(err, &perr) && perr.HTTPStatus == 404 {
			log.Fatal("no such server")
		}
		log.Fatal(err)
	}
	usage, err := client.Resources(ctx, "d3aac109")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(usage.CurrentState, usage.Resources.MemoryBytes)
}
