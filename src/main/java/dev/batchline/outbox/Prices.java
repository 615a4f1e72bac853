package dev.batchline.outbox;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Real-time prices per model, in dollars per million input and output tokens, and the discount of the batch lane,
 * from {@code batchline.prices} ({@code gpt-4o-mini=0.15/0.60,gpt-4o=2.50/10.00}). A dated model name
 * ({@code gpt-4o-mini-2024-07-18}) takes the price of the longest name it starts with.
 */
public final class Prices {

    private final Map<String, double[]> perMillion = new LinkedHashMap<>();
    private final double batchShare;

    public Prices(String table, double batchShare) {
        this.batchShare = batchShare;
        if (table == null || table.isBlank()) {
            return;
        }
        for (String entry : table.split(",")) {
            String[] modelAndPrices = entry.trim().split("=");
            String[] prices = modelAndPrices.length == 2 ? modelAndPrices[1].split("/") : new String[0];
            if (prices.length != 2) {
                throw new IllegalArgumentException("batchline.prices: '" + entry.trim() + "' is not model=input/output"
                                                   + " (dollars per million tokens)");
            }
            perMillion.put(modelAndPrices[0].trim(), new double[] {Double.parseDouble(prices[0].trim()),
                    Double.parseDouble(prices[1].trim())});
        }
    }

    /** What the tokens cost at real-time prices, or null when the model has no price. */
    public Double realtime(String model, long inputTokens, long outputTokens) {
        double[] prices = pricesOf(model);
        return prices == null ? null : (inputTokens * prices[0] + outputTokens * prices[1]) / 1_000_000.0;
    }

    /** The share of the real-time price that the batch lane costs (OpenAI: 0.5). */
    public double batchShare() {
        return batchShare;
    }

    /** A new bill: the tokens of a summary, and what they cost. */
    public Bill bill() {
        return new Bill();
    }

    /** Adds up tokens of several models and writes them, with their cost, into a summary. */
    public final class Bill {

        private long promptTokens;
        private long completionTokens;
        private double realtimeCost;
        private boolean unpriced;

        private Bill() {
        }

        /** Tokens of a model; with {@code answered}, requests were answered, so a model without a price matters. */
        public void add(String model, long prompt, long completion, boolean answered) {
            promptTokens += prompt;
            completionTokens += completion;
            Double cost = realtime(model, prompt, completion);
            if (cost == null) {
                unpriced |= answered;
            } else {
                realtimeCost += cost;
            }
        }

        /**
         * Writes {@code usage} (prompt and completion tokens) and {@code cost} (at batch price, and what real-time
         * would have cost; null when a model has no price) into the summary.
         */
        public void writeTo(ObjectNode summary) {
            summary.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens);
            ObjectNode cost = summary.putObject("cost");
            if (unpriced) {
                cost.putNull("batch");
                cost.putNull("realtime_equivalent");
            } else {
                cost.put("batch", round(realtimeCost * batchShare));
                cost.put("realtime_equivalent", round(realtimeCost));
            }
            cost.put("currency", "USD");
        }

        private static BigDecimal round(double dollars) {
            return BigDecimal.valueOf(dollars).setScale(6, RoundingMode.HALF_UP);
        }
    }

    private double[] pricesOf(String model) {
        if (model == null) {
            return null;
        }
        String best = null;
        for (String name : perMillion.keySet()) {
            if (model.startsWith(name) && (best == null || name.length() > best.length())) {
                best = name;
            }
        }
        return best == null ? null : perMillion.get(best);
    }
}
