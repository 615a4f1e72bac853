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
        Main main = new Main(Batchline.class);
        RoutesLocation.choose(main);
        main.run(args);
    }
}
