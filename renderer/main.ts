import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import './styles.css';
import './test-hooks';

createApp(App).use(createPinia()).mount('#app');
