// SPDX-License-Identifier: GPL-2.0
/*
 * hw-sim only: registers the kernel's own gpio-keys and leds-gpio drivers on gpio-sim lines,
 * as the panel's device-tree overlay does on a Pi (x86 has no device tree to overlay). Lines
 * are given as global GPIO numbers: base (the gpio-sim chip's) plus each line offset.
 *   insmod antiphon_panel_sim.ko base=N leds=10,11 names=antiphon:listening,antiphon:beat keys=7,9 codes=263,265
 */
#include <linux/gpio_keys.h>
#include <linux/input.h>
#include <linux/leds.h>
#include <linux/module.h>
#include <linux/platform_device.h>

#define MAX_LEDS 8
#define MAX_KEYS 16

static int base = -1;
module_param(base, int, 0444);
static int led_lines[MAX_LEDS];
static int n_leds;
module_param_array_named(leds, led_lines, int, &n_leds, 0444);
static char *led_names[MAX_LEDS];
static int n_names;
module_param_array_named(names, led_names, charp, &n_names, 0444);
static int key_lines[MAX_KEYS];
static int n_keys;
module_param_array_named(keys, key_lines, int, &n_keys, 0444);
static int key_codes[MAX_KEYS];
static int n_codes;
module_param_array_named(codes, key_codes, int, &n_codes, 0444);

static struct gpio_led leds[MAX_LEDS];
static struct gpio_led_platform_data leds_pdata;
static struct gpio_keys_button buttons[MAX_KEYS];
static struct gpio_keys_platform_data keys_pdata;
static struct platform_device *leds_dev;
static struct platform_device *keys_dev;

static int __init antiphon_panel_sim_init(void)
{
	int i;

	if (base < 0 || n_names != n_leds || n_codes != n_keys)
		return -EINVAL;
	for (i = 0; i < n_leds; i++) {
		leds[i].name = led_names[i];
		leds[i].gpio = base + led_lines[i];
		leds[i].default_state = LEDS_GPIO_DEFSTATE_OFF;
	}
	leds_pdata.num_leds = n_leds;
	leds_pdata.leds = leds;
	for (i = 0; i < n_keys; i++) {
		buttons[i].code = key_codes[i];
		buttons[i].gpio = base + key_lines[i];
		buttons[i].active_low = 1;
		buttons[i].desc = "antiphon";
		buttons[i].type = EV_KEY;
		buttons[i].debounce_interval = 5;
	}
	keys_pdata.buttons = buttons;
	keys_pdata.nbuttons = n_keys;
	keys_pdata.name = "antiphon-keys";
	leds_dev = platform_device_register_data(NULL, "leds-gpio", PLATFORM_DEVID_NONE, &leds_pdata, sizeof(leds_pdata));
	if (IS_ERR(leds_dev))
		return PTR_ERR(leds_dev);
	keys_dev = platform_device_register_data(NULL, "gpio-keys", PLATFORM_DEVID_NONE, &keys_pdata, sizeof(keys_pdata));
	if (IS_ERR(keys_dev)) {
		platform_device_unregister(leds_dev);
		return PTR_ERR(keys_dev);
	}
	return 0;
}

static void __exit antiphon_panel_sim_exit(void)
{
	platform_device_unregister(keys_dev);
	platform_device_unregister(leds_dev);
}

module_init(antiphon_panel_sim_init);
module_exit(antiphon_panel_sim_exit);
MODULE_DESCRIPTION("hw-sim: gpio-keys and leds-gpio on gpio-sim lines for Antiphon's panel suite");
MODULE_LICENSE("GPL");
