console.log("explorer v1.1.0 second")
