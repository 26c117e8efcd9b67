console.log("explorer-dev v1.0.0 first")
