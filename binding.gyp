{
  "targets": [
    {
      "target_name": "floatd_sockopt",
      "conditions": [
        [
          "OS=='linux'",
          {
            "sources": [
              "native/sockopt.c"
            ],
            "cflags": [
              "-std=gnu11",
              "-Wall",
              "-Wextra",
              "-Wno-unused-parameter"
            ]
          },
          {
            "type": "none"
          }
        ]
      ]
    },
    {
      "target_name": "floatd_spawn",
      "conditions": [
        [
          "OS=='linux'",
          {
            "sources": [
              "native/spawn.c"
            ],
            "cflags": [
              "-std=gnu11",
              "-Wall",
              "-Wextra",
              "-Wno-unused-parameter",
              "-pthread"
            ],
            "ldflags": [
              "-pthread"
            ]
          },
          {
            "type": "none"
          }
        ]
      ]
    },
    {
      "target_name": "floatd_notify",
      "conditions": [
        [
          "OS=='linux'",
          {
            "sources": [
              "native/notify.c"
            ],
            "cflags": [
              "-std=gnu11",
              "-Wall",
              "-Wextra",
              "-Wno-unused-parameter"
            ]
          },
          {
            "type": "none"
          }
        ]
      ]
    },
    {
      "target_name": "floatd_vrrp",
      "conditions": [
        [
          "OS=='linux'",
          {
            "sources": ["native/vrrp.c"],
            "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-pthread"],
            "ldflags": ["-pthread"]
          },
          { "type": "none" }
        ]
      ]
    },
    {
      "target_name": "floatd_bfd",
      "conditions": [
        [
          "OS=='linux'",
          {
            "sources": ["native/bfd.c"],
            "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-pthread"],
            "ldflags": ["-pthread"]
          },
          { "type": "none" }
        ]
      ]
    }
  ]
}
