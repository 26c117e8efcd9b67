console.log("dash v1.0.0 first")
