console.log("explorer v1.0.0 first")
