package dev.batchline.local;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.batchline.config.Settings;

/**
 * {@code java -jar batchline.jar local-provider [--port N] [--host H] [--data-dir D]}: serves only the local
 * provider until the process is stopped. Every other setting comes from the same properties as the application's
 * ({@code -Dbatchline.local.…} or {@code BATCHLINE_LOCAL_…}).
 */
public final class LocalProviderCommand {

    public static final String NAME = "local-provider";

    private LocalProviderCommand() {
    }

    public static void run(String[] args) throws Exception {
        LocalProvider provider = new LocalProvider(LocalProviderSettings.from(Settings.standalone(options(args))));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            provider.stop();
            stopped.countDown();
        }, "local-provider-shutdown"));
        provider.start();
        System.out.println("Local provider ready at " + provider.baseUrl());
        stopped.await();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String key = switch (args[i]) {
                case "--port" -> "port";
                case "--host" -> "host";
                case "--data-dir" -> "data-dir";
                default -> throw new IllegalArgumentException("Unknown option '" + args[i] + "'. Usage: "
                        + NAME + " [--port N] [--host H] [--data-dir D]");
            };
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Option " + args[i] + " needs a value");
            }
            options.put(LocalProviderSettings.PREFIX + key, args[++i]);
        }
        return options;
    }
}
