package dev.batchline;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;

import dev.batchline.batch.BatchResults;
import dev.batchline.batch.BatchSplit;
import dev.batchline.batch.LostBatches;
import dev.batchline.batch.Polling;
import dev.batchline.batch.Spools;
import dev.batchline.batch.Submission;
import dev.batchline.cluster.Instance;
import dev.batchline.cluster.Takeover;
import dev.batchline.config.Settings;
import dev.batchline.failure.Failures;
import dev.batchline.failure.Waits;
import dev.batchline.inbox.InboxLocks;
import dev.batchline.inbox.InboxPolls;
import dev.batchline.inbox.InboxSettling;
import dev.batchline.inbox.Intake;
import dev.batchline.inbox.RecordFormat;
import dev.batchline.local.LocalProvider;
import dev.batchline.local.LocalProviderSettings;
import dev.batchline.outbox.Delivery;
import dev.batchline.outbox.Prices;
import dev.batchline.provider.Downloads;
import dev.batchline.provider.ProviderClient;
import dev.batchline.provider.ProviderFiles;
import dev.batchline.provider.Providers;
import dev.batchline.provider.RetryPolicy;
import dev.batchline.queue.Queues;
import dev.batchline.realtime.RealtimeCall;
import dev.batchline.state.StateStore;
import dev.batchline.stream.StreamResults;
import dev.batchline.stream.Streams;
import dev.batchline.work.WorkFolder;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires Batchline's beans into the Camel registry from the {@code batchline.*} properties, in one place, in the
 * order they depend on each other. The routes in {@code routes/} call them by these names.
 */
public class BatchlineConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(BatchlineConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = Settings.of(context);
        Registry registry = context.getRegistry();
        Clock clock = Clock.systemUTC();

        LocalProvider local = null;
        if (settings.bool("batchline.local.enabled", true)) {
            local = new LocalProvider(LocalProviderSettings.from(settings));
            registry.bind("localProvider", local);
            context.addService(new EarlyStart(local), true, true);
        }
        Providers providers = Providers.from(settings, local);
        registry.bind("providers", providers);

        WorkFolder work = new WorkFolder(Path.of(settings.string("batchline.work", "work")));
        StateStore store = new StateStore(work.state(), settings.value("batchline.store.url"),
                settings.value("batchline.store.user"), settings.value("batchline.store.password"));
        registry.bind("stateStore", store);
        context.addService(new EarlyStart(store), true, true);

        // this instance among those sharing the store: the owner of the work it takes, until it dies
        // (taken for dead while it runs, it halts as if killed: what it was doing is another's now)
        Duration lease = settings.duration("batchline.cluster.lease", "30s");
        Duration heartbeat = settings.duration("batchline.cluster.heartbeat", "5s");
        checkLease(lease, heartbeat);
        Instance instance = new Instance(store, settings.value("batchline.cluster.instance"), lease, heartbeat,
                () -> Runtime.getRuntime().halt(3), clock);
        registry.bind("instance", instance);
        context.addService(instance, true, true);
        String owner = instance.name();
        registry.bind("inboxLocks", new InboxLocks(store, instance, clock));
        if (!store.embedded()) {
            clusteredQuartz(context, store, instance, heartbeat);
            if (providers.current().name().equals(Providers.LOCAL)) {
                LOG.warn("The state store is shared, but new batches go to this instance's embedded local provider,"
                         + " which the other instances cannot reach: if several instances share the store, run one"
                         + " local provider on its own and point every instance at it (docs/scale-out.md)");
            }
        }

        // failures: one classification, and the waits of the work they leave waiting
        RetryPolicy retryPolicy = new RetryPolicy(settings.duration("batchline.retry.initial-delay", "500ms"),
                settings.duration("batchline.retry.max-delay", "30s"),
                settings.duration("batchline.provider.max-retry-wait", "2s"));
        registry.bind("retryPolicy", retryPolicy);
        Waits waits = new Waits(retryPolicy, clock);
        registry.bind("waits", waits);
        registry.bind("failures", new Failures());

        // the inbox and the open batches
        Spools spools = new Spools(store, work, owner, providers.current().name(),
                settings.integer("batchline.batch.max-requests", 50_000),
                settings.bytes("batchline.batch.max-bytes", "200MB"),
                settings.duration("batchline.batch.max-wait", "5m"), settings.integer("batchline.batch.max-open", 100),
                clock);
        registry.bind("spools", spools);
        context.addService(spools, true, true);
        RecordFormat format = new RecordFormat(settings.string("batchline.model", "gpt-4o-mini"),
                settings.value("batchline.system"));
        Intake intake = new Intake(store, spools, work, owner, Path.of(settings.string("batchline.inbox", "inbox")),
                format, (int) settings.bytes("batchline.inbox.max-line-bytes", "10MB"),
                settings.bytes("batchline.inbox.max-file-bytes", "20GB"), clock);
        registry.bind("intake", intake);
        context.addService(intake, true, true);
        registry.bind("inboxSettling", inboxSettling(settings, clock));
        registry.bind("inboxPolls", new InboxPolls(intake));

        // the provider's Files and Batches API, and the steps of a batch
        ProviderClient client = new ProviderClient(context.createProducerTemplate(), waits);
        registry.bind("providerClient", client);
        registry.bind("downloads", new Downloads());
        ProviderFiles providerFiles = new ProviderFiles(store, client, providers, waits,
                settings.bool("batchline.provider.delete-files", true), clock);
        registry.bind("providerFiles", providerFiles);
        registry.bind("submission", new Submission(store, owner, work, client, providers, waits, clock));
        registry.bind("polling", new Polling(store, client, providers, waits, clock));
        registry.bind("lostBatches", new LostBatches(store, work, waits,
                settings.duration("batchline.batch.lost-after", "1h"), clock));
        registry.bind("batchResults", new BatchResults(store, owner, work, client, providers, providerFiles,
                new BatchSplit(store, work, clock), waits, settings.integer("batchline.batch.max-attempts", 3),
                clock));
        Prices prices = new Prices(settings.value("batchline.prices"),
                settings.decimal("batchline.prices.batch-share", 0.5));
        registry.bind("delivery", new Delivery(store, owner, work,
                Path.of(settings.string("batchline.outbox", "outbox")), prices, waits, clock));

        // streams: records sent to direct:batch (from a queue or any route), their results sent to an endpoint
        String resultsEndpoint = settings.string("batchline.results.endpoint", "");
        RecordFormat streamFormat = new RecordFormat(settings.string("batchline.model", "gpt-4o-mini"),
                settings.value("batchline.system")); // its own: a format is not shared between threads
        Streams streams = new Streams(store, spools, owner, streamFormat, resultsEndpoint,
                settings.integer("batchline.stream.segment-records", 10_000), clock);
        registry.bind("streams", streams);
        context.addService(streams, true, true);
        registry.bind("streamResults", new StreamResults(store, owner, work, resultsEndpoint, prices, waits,
                context.createProducerTemplate(), clock));
        registry.bind("takeover", new Takeover(store, instance, spools, intake, streams, clock));
        if (settings.bool("batchline.jms.enabled", false)) {
            Queues.configure(context, settings, work.root());
        }
        registry.bind("realtimeCall", new RealtimeCall(providers.current(),
                settings.string("batchline.model", "gpt-4o-mini")));
    }

    /** The heartbeat must come well within the lease (how long an instance without one keeps its work). */
    private static void checkLease(Duration lease, Duration heartbeat) {
        if (heartbeat.multipliedBy(2).compareTo(lease) > 0) {
            throw new IllegalArgumentException("batchline.cluster.heartbeat (" + heartbeat.toMillis() + " ms) must be"
                                               + " at most half of batchline.cluster.lease (" + lease.toMillis()
                                               + " ms), so one late heartbeat does not lose an instance its work");
        }
    }

    /**
     * On a shared store, Quartz keeps the poll's trigger in the same database, clustered: each poll fires on one
     * instance, and another fires it when that one dies.
     */
    private static void clusteredQuartz(CamelContext context, StateStore store, Instance instance,
                                        Duration heartbeat) {
        Properties quartz = new Properties();
        quartz.setProperty("org.quartz.scheduler.instanceName", "batchline");
        quartz.setProperty("org.quartz.scheduler.instanceId", instance.name());
        quartz.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        quartz.setProperty("org.quartz.threadPool.threadCount", "2");
        quartz.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        quartz.setProperty("org.quartz.jobStore.driverDelegateClass",
                "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        quartz.setProperty("org.quartz.jobStore.isClustered", "true");
        quartz.setProperty("org.quartz.jobStore.clusterCheckinInterval",
                Long.toString(heartbeat.toMillis()));
        quartz.setProperty("org.quartz.jobStore.dataSource", "batchline");
        quartz.setProperty("org.quartz.dataSource.batchline.provider", "hikaricp");
        quartz.setProperty("org.quartz.dataSource.batchline.driver", "org.postgresql.Driver");
        quartz.setProperty("org.quartz.dataSource.batchline.URL", store.url());
        quartz.setProperty("org.quartz.dataSource.batchline.user", store.user() == null ? "" : store.user());
        quartz.setProperty("org.quartz.dataSource.batchline.password",
                store.password() == null ? "" : store.password());
        quartz.setProperty("org.quartz.dataSource.batchline.maxConnections", "3");
        context.getComponent("quartz", QuartzComponent.class).setProperties(quartz);
    }

    private static InboxSettling inboxSettling(Settings settings, Clock clock) {
        Duration settleTime = settings.duration("batchline.inbox.settle-time", "1000");
        Duration settleTimeout = settings.duration("batchline.inbox.settle-timeout", "3000");
        if (settleTimeout.compareTo(settleTime) <= 0) {
            throw new IllegalArgumentException("batchline.inbox.settle-timeout (" + settleTimeout.toMillis() + " ms)"
                                               + " must be longer than batchline.inbox.settle-time ("
                                               + settleTime.toMillis() + " ms): it is how long the inbox waits for a"
                                               + " changing file to settle before it goes on to the others");
        }
        return new InboxSettling(settleTime, settings.duration("batchline.inbox.max-settle-wait", "1h"), clock);
    }
}
