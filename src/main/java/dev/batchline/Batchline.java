package dev.batchline;

import java.util.Arrays;

import dev.batchline.local.LocalProviderCommand;
import org.apache.camel.main.Main;

/**
 * Starts Batchline: the Camel application with its routes, or, with the argument {@code local-provider}, only the
 * local provider.
 */
public final class Batchline {

    private Batchline() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && LocalProviderCommand.NAME.equals(args[0])) {
            LocalProviderCommand.run(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Main main = new Main();
        // the configuration is named, not found by scanning the class path, which would cost a second at start-up
        main.configure().addConfiguration(BatchlineConfiguration.class);
        RoutesLocation.choose(main);
        main.run(args);
    }
}
