package dev.batchline;

import dev.batchline.config.Settings;
import dev.batchline.local.LocalProvider;
import dev.batchline.local.LocalProviderSettings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/** Wires Batchline's beans into the Camel registry, from the {@code batchline.*} properties. */
public class BatchlineConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = Settings.of(context);
        if (settings.bool("batchline.local.enabled", true)) {
            LocalProvider provider = new LocalProvider(LocalProviderSettings.from(settings));
            context.getRegistry().bind("localProvider", provider);
            context.addService(provider, true, true);
        }
    }
}
