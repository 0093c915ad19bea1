package io.plmwb.views.sparsity;

/** A line of the Sparsity workspace's hot/cold budget table, as shown. */
public record BudgetRow(String layer, String zeroFraction, String hot, String mib) {
}
