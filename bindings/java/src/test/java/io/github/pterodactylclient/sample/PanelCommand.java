package io.github.pterodactylclient.sample;

import io.github.pterodactylclient.PowerSignal;
import io.github.pterodactylclient.PterodactylApiException;
import io.github.pterodactylclient.PterodactylClient;
import io.github.pterodactylclient.PterodactylException;
import io.github.pterodactylclient.Resources;
import java.util.Arrays;
import java.util.concurrent.Executor;

/**
 * A {@code /panel} command the way a Paper plugin writes one, with the two Bukkit types it
 * needs reduced to what it uses so that this sample builds and runs without a game server. In a
 * plugin:
 *
 * <pre>{@code
 * public final class PanelPlugin extends JavaPlugin {
 *     private PterodactylClient client;
 *
 *     public void onEnable() {
 *         client = new PterodactylClient(getConfig().getString("panel-url"), getConfig().getString("api-key"));
 *         Executor async = task -> getServer().getScheduler().runTaskAsynchronously(this, task);
 *         PanelCommand panel = new PanelCommand(client, async);
 *         getCommand("panel").setExecutor((sender, command, label, args) ->
 *                 panel.onCommand(new PanelCommand.Sender() {
 *                     public void sendMessage(String message) { sender.sendMessage(message); }
 *                     public boolean hasPermission(String node) { return sender.hasPermission(node); }
 *                 }, label, args));
 *     }
 *
 *     public void onDisable() { client.close(); }
 * }
 * }</pre>
 *
 * Usage: {@code /panel status <server>}, {@code /panel start|stop|restart <server>}, {@code
 * /panel say <server> <text...>}. Every panel call runs on {@code async} (the scheduler's async
 * pool): a blocking call on the main thread would freeze the game.
 */
public final class PanelCommand {
    /** The part of Bukkit's CommandSender this command uses. */
    public interface Sender {
        void sendMessage(String message);

        boolean hasPermission(String node);
    }

    private final PterodactylClient client;
    private final Executor async;

    public PanelCommand(PterodactylClient client, Executor async) {
        this.client = client;
        this.async = async;
    }

    /** Bukkit's {@code CommandExecutor.onCommand}: false prints the usage. */
    public boolean onCommand(Sender sender, String label, String[] args) {
        if (args.length < 2) {
            return false;
        }
        if (!sender.hasPermission("panel." + args[0])) {
            sender.sendMessage("You may not use /" + label + " " + args[0] + ".");
            return true;
        }
        String server = args[1];
        Runnable task;
        switch (args[0]) {
            case "status":
                task = () -> {
                    Resources usage = client.resources(server);
                    sender.sendMessage(server + " is " + usage.currentState() + ", "
                            + usage.memoryBytes() / (1024 * 1024) + " MiB in use");
                };
                break;
            case "start":
            case "stop":
            case "restart":
                PowerSignal signal = PowerSignal.valueOf(args[0].toUpperCase(java.util.Locale.ROOT));
                task = () -> {
                    client.power(server, signal);
                    sender.sendMessage("Sent " + signal.wire() + " to " + server + ".");
                };
                break;
            case "say":
                if (args.length < 3) {
                    return false;
                }
                String text = String.join(" ", Arrays.copyOfRange(args, 2, args.length));
                task = () -> {
                    client.command(server, "say " + text);
                    sender.sendMessage("Said it on " + server + ".");
                };
                break;
            default:
                return false;
        }
        async.execute(() -> {
            try {
                task.run();
            } catch (PterodactylApiException e) {
                sender.sendMessage("The panel said no (" + e.httpStatus() + "): " + e.detail());
            } catch (PterodactylException e) {
                sender.sendMessage("The panel could not be asked: " + e.getMessage());
            }
        });
        return true;
    }
}
