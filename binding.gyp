{
  "targets": [
    {
      "target_name": "floatd_sockopt",
      "conditions": [
        [
          "OS=='linux'",
          {
            "sources": ["native/sockopt.c"],
            "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter"]
          },
          { "type": "none" }
        ]
      ]
    }
  ]
}
