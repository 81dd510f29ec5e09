module example.invalid/pterodactyl-client/bindings/go

go 1.19
