# Goldens for test/unit/arima.test.ts (models/forecast/arima.ts): R's pieces of auto.arima on named M3/M1 series.
#  - seasonal strength (forecast:::seas.heuristic, the nsdiffs default test) and nsdiffs / ndiffs;
#  - the exact log-likelihood of fixed coefficients: arima(x, order, seasonal, fixed = coef, transform.pars = FALSE)
#    for the coefficients auto.arima chose (include.mean / drift as chosen);
#  - Arima(x, order, seasonal, include.constant) fitted by CSS-ML: coefficients, log-likelihood, AICc, sigma2,
#    forecasts and 80/95 % bounds.
# Run from the repository root: Rscript bench/reference/auto-arima-goldens.R
suppressMessages({ library(forecast); library(jsonlite) })
read <- function(set) { s <- lapply(readLines(sprintf("/work/shared/data/%s.jsonl", set)), fromJSON); names(s) <- sapply(s, function(x) x$id); s }
m3 <- read("m3"); m1 <- read("m1")
pick <- function(s) list(id = s$id, m = s$freq, h = s$h, x = s$x, y = ts(s$x, frequency = s$freq, start = s$start))
cases <- lapply(c(m3[c("N1402", "N1455", "N1500", "N1652", "N1699", "N2001", "N2500", "N0700", "N0781", "N0900", "N0010", "N2900")],
                  m1[c("MNM1", "QRF2", "MNB20")]), pick)
orders <- list(
  list(order = c(0, 1, 1), seasonal = c(0, 1, 1), constant = FALSE),
  list(order = c(2, 1, 1), seasonal = c(2, 0, 0), constant = FALSE),
  list(order = c(1, 0, 1), seasonal = c(1, 0, 0), constant = TRUE),
  list(order = c(1, 1, 2), seasonal = c(0, 0, 0), constant = TRUE),
  list(order = c(0, 0, 2), seasonal = c(0, 1, 1), constant = TRUE),
  list(order = c(3, 1, 0), seasonal = c(0, 0, 0), constant = FALSE)
)
out <- lapply(cases, function(k) {
  res <- list(id = k$id, m = k$m, values = k$x)
  if (k$m > 1) {
    res$seasonalStrength <- forecast:::seas.heuristic(k$y)
    res$nsdiffs <- nsdiffs(k$y)
  }
  res$ndiffs <- ndiffs(if (k$m > 1 && isTRUE(res$nsdiffs > 0)) diff(k$y, lag = k$m) else k$y)
  res$fits <- Filter(Negate(is.null), lapply(orders, function(o) {
    seasonal <- if (k$m > 1) o$seasonal else c(0, 0, 0)
    fit <- tryCatch(Arima(k$y, order = o$order, seasonal = seasonal, include.constant = o$constant), error = function(e) NULL)
    if (is.null(fit)) return(NULL)
    cf <- coef(fit)
    drift <- "drift" %in% names(cf)
    fixedLik <- if (drift) {
      arima(k$y, order = o$order, seasonal = list(order = seasonal, period = k$m), xreg = cbind(drift = seq_along(k$x)),
            fixed = cf, transform.pars = FALSE)$loglik
    } else {
      arima(k$y, order = o$order, seasonal = list(order = seasonal, period = k$m), include.mean = "intercept" %in% names(cf),
            fixed = cf, transform.pars = FALSE)$loglik
    }
    fc <- forecast(fit, h = k$h, level = c(80, 95))
    list(p = o$order[1], d = o$order[2], q = o$order[3], P = seasonal[1], D = seasonal[2], Q = seasonal[3],
         constant = any(names(cf) %in% c("intercept", "drift")), coef = as.numeric(cf), coefNames = names(cf),
         loglik = fit$loglik, fixedLoglik = fixedLik, aicc = fit$aicc, sigma2 = fit$sigma2,
         mean = as.numeric(fc$mean), lo80 = as.numeric(fc$lower[, 1]), hi80 = as.numeric(fc$upper[, 1]),
         lo95 = as.numeric(fc$lower[, 2]), hi95 = as.numeric(fc$upper[, 2]))
  }))
  res
})
writeLines(toJSON(list(source = "R forecast 8.20: seas.heuristic, nsdiffs, ndiffs, Arima, arima(fixed = coef), forecast.Arima",
                       rVersion = R.version.string, cases = unname(out)), digits = NA, auto_unbox = TRUE),
           "bench/reference/r-auto-arima/goldens.json")
