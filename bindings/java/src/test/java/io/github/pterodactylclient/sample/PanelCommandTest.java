package io.github.pterodactylclient.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pterodactylclient.FakePanel;
import io.github.pterodactylclient.PterodactylClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Paper-shaped sample, run as a plugin would run it: a player, an async pool, the panel. */
class PanelCommandTest {
    /** A player with some permissions who keeps what they were told. */
    static final class Player implements PanelCommand.Sender {
        final List<String> messages = new ArrayList<>();
        final Set<String> permissions;

        Player(Set<String> permissions) {
            this.permissions = permissions;
        }

        @Override
        public synchronized void sendMessage(String message) {
            messages.add(message);
        }

        @Override
        public boolean hasPermission(String node) {
            return permissions.contains(node);
        }
    }

    private static List<String> run(Player player, String... args) throws InterruptedException {
        ExecutorService async = Executors.newSingleThreadExecutor();
        try (PterodactylClient client = new PterodactylClient(FakePanel.url(), FakePanel.OWNER_KEY)) {
            assertTrue(new PanelCommand(client, async).onCommand(player, "panel", args));
            async.shutdown();
            assertTrue(async.awaitTermination(60, TimeUnit.SECONDS));
        }
        return player.messages;
    }

    @Test
    void statusStartAndSayTalkToThePanelOffTheMainThread() throws InterruptedException {
        FakePanel.control("reset", "{}");
        Player admin = new Player(Set.of("panel.status", "panel.start", "panel.say"));
        assertEquals(List.of("d3aac109 is offline, 0 MiB in use"), run(admin, "status", "d3aac109"));
        admin.messages.clear();
        assertEquals(List.of("The panel said no (502): Server must be online in order to send commands."),
                run(admin, "say", "d3aac109", "hello"));
        admin.messages.clear();
        assertEquals(List.of("Sent start to d3aac109."), run(admin, "start", "d3aac109"));
        admin.messages.clear();
        assertEquals(List.of("Said it on d3aac109."), run(admin, "say", "d3aac109", "hello", "there"));
    }

    @Test
    void permissionsAndUsage() throws InterruptedException {
        Player guest = new Player(Set.of());
        assertEquals(List.of("You may not use /panel stop."), run(guest, "stop", "d3aac109"));
        try (PterodactylClient client = new PterodactylClient(FakePanel.url(), FakePanel.OWNER_KEY)) {
            assertFalse(new PanelCommand(client, Runnable::run).onCommand(guest, "panel", new String[] {"status"}));
        }
    }
}
