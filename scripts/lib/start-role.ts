// Imported first by `npm start`: the process-wide logger of this process (the worker's queue,
// the demo seed) names it, not the web app.
process.env.BANKLINE_SERVICE ??= "start";
