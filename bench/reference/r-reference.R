# Reference scores of R's forecast package (ets, thetaf, snaive) on M1, M3 and carparts, on the split bench/accuracy.ts
# uses: M1 and M3 at their official horizons (x to train, xx to test), carparts with its last 6 months held out.
# One line per series and method (NA where R's fit failed): sMAPE, MASE, how many of the h test values fall inside the 80 % and 95 % intervals,
# and MSIS at 95 % (Makridakis, Spiliotis & Assimakopoulos 2020, the M4 interval score), scaled as MASE.
# Scaling as bench/m3.ts: the in-sample MAE of the seasonal naive (lag = frequency; lag 1 for carparts, as its bench).
# auto.arima's reference is bench/reference/auto-arima.R's (the ARIMA work), read beside this one.
#
# Run (about 20 min on one core): Rscript bench/reference/r-reference.R DATA_DIR [m1|m3|carparts ...]
# Writes bench/reference/r-reference/<dataset>.csv.gz, one file per data set (run them side by side). R 4.2.2, forecast 8.20.
suppressMessages({ library(forecast); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)
data_dir <- if (length(args) >= 1) args[1] else file.path("..", "shared", "data")
datasets <- if (length(args) >= 2) args[-1] else c("m1", "m3", "carparts")
out_dir <- file.path("bench", "reference", "r-reference")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

read_jsonl <- function(file) lapply(readLines(file), fromJSON)

methods <- list(
  ets = function(y, h) forecast(ets(y), h = h, level = c(80, 95)),
  thetaf = function(y, h) thetaf(y, h = h, level = c(80, 95)),
  snaive = function(y, h) snaive(y, h = h, level = c(80, 95))
)

score <- function(dataset, id, period, y, test, lag, h) {
  scale <- mean(abs(diff(as.numeric(y), lag = lag)))
  rows <- list()
  for (name in names(methods)) {
    f <- tryCatch(methods[[name]](y, h), error = function(e) NULL)
    if (is.null(f)) {
      # A failed fit (R's ets refuses some carparts series) is a row of NA, so the file holds every series and method.
      rows[[name]] <- data.frame(dataset = dataset, id = id, period = period, method = name, h = h,
                                 smape = NA, mase = NA, in80 = NA, in95 = NA, msis95 = NA)
      next
    }
    m <- as.numeric(f$mean); lo <- f$lower; hi <- f$upper
    a <- test
    smape <- mean(ifelse(abs(a) + abs(m) == 0, 0, 200 * abs(a - m) / (abs(a) + abs(m))))
    alpha <- 0.05
    l95 <- as.numeric(lo[, 2]); u95 <- as.numeric(hi[, 2])
    msis <- mean((u95 - l95) + 2 / alpha * (l95 - a) * (a < l95) + 2 / alpha * (a - u95) * (a > u95)) / scale
    rows[[name]] <- data.frame(
      dataset = dataset, id = id, period = period, method = name, h = h,
      smape = signif(smape, 7), mase = signif(mean(abs(a - m)) / scale, 7),
      in80 = sum(a >= lo[, 1] & a <= hi[, 1]), in95 = sum(a >= l95 & a <= u95), msis95 = signif(msis, 7)
    )
  }
  do.call(rbind, rows)
}

write_scores <- function(rows, dataset) {
  result <- do.call(rbind, rows)
  out <- gzfile(file.path(out_dir, paste0(dataset, ".csv.gz")), "w")
  write.csv(result, out, row.names = FALSE, quote = FALSE)
  close(out)
  message(dataset, ": ", nrow(result), " rows")
}

for (dataset in intersect(datasets, c("m1", "m3"))) {
  rows <- list()
  for (s in read_jsonl(file.path(data_dir, paste0(dataset, ".jsonl")))) {
    y <- ts(s$x, frequency = s$freq)
    rows[[length(rows) + 1]] <- score(dataset, s$id, s$period, y, s$xx, if (s$freq == 1) 1 else s$freq, s$h)
  }
  write_scores(rows, dataset)
}
if ("carparts" %in% datasets) {
  carparts <- read.csv(file.path(data_dir, "carparts.csv"))
  rows <- list()
  for (id in unique(carparts$series_id)) {
    values <- carparts$value[carparts$series_id == id][order(carparts$period[carparts$series_id == id])]
    n <- length(values)
    train <- ts(values[1:(n - 6)], frequency = 12)
    if (mean(abs(diff(as.numeric(train)))) == 0) next # MASE undefined: skipped, as bench/accuracy.ts skips it
    rows[[length(rows) + 1]] <- score("carparts", id, "MONTHLY", train, values[(n - 5):n], 1, 6)
  }
  write_scores(rows, "carparts")
}
