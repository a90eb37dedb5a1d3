import type { Knex } from 'knex';
import * as catalogue from './20261127_001_catalogue';
import * as transactions from './20261127_002_transactions';
import * as planning from './20261127_003_planning';
import * as apiKeys from './20261127_004_api_keys';
import * as oneRunningRun from './20261127_005_one_running_run';
import * as draftPurchaseOrders from './20261127_006_draft_purchase_orders';
import * as dailySalesByDate from './20261127_007_daily_sales_by_date';
import * as recommendationSortIndexes from './20261127_008_recommendation_sort_indexes';
import * as runChunks from './20261127_009_run_chunks';
import * as sourceState from './20261127_010_source_state';
import * as backorderAllocations from './20261127_011_backorder_allocations';
import * as runPruning from './20261127_012_run_pruning';
import * as protectionErrors from './20261127_013_protection_errors';
import * as supplierIndexesChangeOrder from './20261127_014_supplier_indexes_change_order';
import * as weeklySales from './20261127_015_weekly_sales';
import * as sourcePulls from './20261127_016_source_pulls';
import * as buyerSearch from './20261201_040_buyer_search';
import * as planErrors from './20261201_050_plan_errors';
import * as shortKeyPrefixes from './20261201_051_short_key_prefixes';
import * as sourceErrorSummaries from './20261201_052_source_error_summaries';
import * as soldOutDays from './20261202_020_sold_out_days';
import * as webhooks from './20261202_030_webhooks';
import * as backorderPromises from './20261202_031_backorder_promises';
import * as runDispatches from './20261202_060_run_dispatches';
import * as exceptions from './20261202_070_exceptions';
import * as searchPrefixIndexes from './20261202_080_search_prefix_indexes';
import * as demandEvents from './20261202_090_demand_events';
import * as forecastOverrides from './20261202_091_forecast_overrides';
import * as lineShippedDate from './20261202_100_line_shipped_date';
import * as maxOrderQuantity from './20261202_101_max_order_quantity';
import * as planErrorStage from './20261202_230_plan_error_stage';
import * as recommendationShownFigures from './20261202_260_recommendation_shown_figures';
import * as recommendationTopUps from './20261203_100_recommendation_top_ups';

export interface Migration extends Knex.Migration {
  name: string;
}

/** Every migration in order. A static list (not a folder scan) so that tsx, jest and any working directory see the same set. */
export const migrations: Migration[] = [
  { name: '20261127_001_catalogue', ...catalogue },
  { name: '20261127_002_transactions', ...transactions },
  { name: '20261127_003_planning', ...planning },
  { name: '20261127_004_api_keys', ...apiKeys },
  { name: '20261127_005_one_running_run', ...oneRunningRun },
  { name: '20261127_006_draft_purchase_orders', ...draftPurchaseOrders },
  { name: '20261127_007_daily_sales_by_date', ...dailySalesByDate },
  { name: '20261127_008_recommendation_sort_indexes', ...recommendationSortIndexes },
  { name: '20261127_009_run_chunks', ...runChunks },
  { name: '20261127_010_source_state', ...sourceState },
  { name: '20261127_011_backorder_allocations', ...backorderAllocations },
  { name: '20261127_012_run_pruning', ...runPruning },
  { name: '20261127_013_protection_errors', ...protectionErrors },
  { name: '20261127_014_supplier_indexes_change_order', ...supplierIndexesChangeOrder },
  { name: '20261127_015_weekly_sales', ...weeklySales },
  { name: '20261127_016_source_pulls', ...sourcePulls },
  { name: '20261201_040_buyer_search', ...buyerSearch },
  { name: '20261201_050_plan_errors', ...planErrors },
  { name: '20261201_051_short_key_prefixes', ...shortKeyPrefixes },
  { name: '20261201_052_source_error_summaries', ...sourceErrorSummaries },
  { name: '20261202_020_sold_out_days', ...soldOutDays },
  { name: '20261202_030_webhooks', ...webhooks },
  { name: '20261202_031_backorder_promises', ...backorderPromises },
  { name: '20261202_060_run_dispatches', ...runDispatches },
  { name: '20261202_070_exceptions', ...exceptions },
  { name: '20261202_080_search_prefix_indexes', ...searchPrefixIndexes },
  { name: '20261202_090_demand_events', ...demandEvents },
  { name: '20261202_091_forecast_overrides', ...forecastOverrides },
  { name: '20261202_100_line_shipped_date', ...lineShippedDate },
  { name: '20261202_101_max_order_quantity', ...maxOrderQuantity },
  { name: '20261202_230_plan_error_stage', ...planErrorStage },
  { name: '20261202_260_recommendation_shown_figures', ...recommendationShownFigures },
  { name: '20261203_100_recommendation_top_ups', ...recommendationTopUps },
];
