# Reference figures for models/forecast/arima.ts: forecast::auto.arima with its defaults (stepwise, AICc,
# KPSS for d, seasonal strength for D, CSS-ML, approximation when n > 150 or m > 12) on every M1 and M3
# series at the official horizon. One JSON line per series in bench/reference/r-auto-arima/<set>.jsonl:
# chosen orders, constant/drift, AICc, log-likelihood, coefficients, point forecasts and 80/95 % bounds
# (8 significant digits), MASE (scale: in-sample MAE of the seasonal naive, lag 1 for m = 1) and seconds.
# Run from the repository root: nice Rscript bench/reference/auto-arima.R [m1|m3|m1:MONTHLY|m3:QUARTERLY ...]
# (a period after the colon restricts the run to it, so that several processes can share the work; series
# already in the output file are skipped, so an interrupted run resumes).
suppressMessages({ library(forecast); library(jsonlite) })
sets <- commandArgs(trailingOnly = TRUE)
if (length(sets) == 0) sets <- c("m3", "m1")
order_periods <- c(MONTHLY = 1, QUARTERLY = 2, YEARLY = 3, OTHER = 4)
for (arg in sets) {
  set <- sub(":.*", "", arg)
  series <- lapply(readLines(sprintf("/work/shared/data/%s.jsonl", set)), fromJSON)
  if (grepl(":", arg)) series <- Filter(function(s) s$period == sub(".*:", "", arg), series)
  if (length(series) == 0) next
  series <- series[order(order_periods[sapply(series, function(s) s$period)], seq_along(series))]
  out <- sprintf("bench/reference/r-auto-arima/%s.jsonl", set)
  done <- if (file.exists(out)) sapply(lapply(readLines(out), fromJSON), function(r) r$id) else character(0)
  con <- file(out, open = "a")
  for (s in series) {
    if (s$id %in% done) next
    y <- ts(s$x, frequency = s$freq, start = s$start)
    started <- proc.time()[["elapsed"]]
    fit <- auto.arima(y)
    fc <- forecast(fit, h = s$h, level = c(80, 95))
    secs <- proc.time()[["elapsed"]] - started
    lag <- if (s$freq > 1 && length(s$x) > s$freq) s$freq else 1
    scale <- mean(abs(diff(s$x, lag = lag)))
    a <- fit$arma
    cf <- coef(fit)
    line <- list(
      id = s$id, period = s$period, m = s$freq, n = length(s$x), h = s$h,
      p = a[1], d = a[6], q = a[2], P = a[3], D = a[7], Q = a[4],
      constant = any(names(cf) %in% c("intercept", "drift")), drift = "drift" %in% names(cf),
      aicc = signif(fit$aicc, 10), loglik = signif(fit$loglik, 10), sigma2 = signif(fit$sigma2, 10),
      coef = as.list(signif(cf, 10)),
      mean = signif(as.numeric(fc$mean), 8),
      lo80 = signif(as.numeric(fc$lower[, 1]), 8), hi80 = signif(as.numeric(fc$upper[, 1]), 8),
      lo95 = signif(as.numeric(fc$lower[, 2]), 8), hi95 = signif(as.numeric(fc$upper[, 2]), 8),
      mase = signif(mean(abs(s$xx - as.numeric(fc$mean))) / scale, 8),
      secs = round(secs, 3)
    )
    writeLines(toJSON(line, digits = NA, auto_unbox = TRUE), con)
    flush(con)
  }
  close(con)
}
